"""Policies on disk and in hand: the checkpoint format, networks, saved policies, the pretrained
library and how a script acts (a policy or a baseline).
"""
