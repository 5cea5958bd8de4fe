"""The environment API: skills and tasks as data, reward and metric terms, the functional environment,
its factory, rendering and the gymnasium ids.
"""
