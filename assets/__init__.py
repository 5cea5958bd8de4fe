"""SkillBench's own object models (tables, boxes, cabinet, ball, goal frame). `PATH` is this folder."""

import pathlib

PATH = pathlib.Path(__file__).parent
