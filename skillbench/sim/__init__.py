"""Simulation: the scene (floor, objects, keyframe), timing, and the native MuJoCo and MJX physics
backends.
"""
