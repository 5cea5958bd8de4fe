"""SkillBench's own object models (tables, boxes, walls, cabinet, ball). `PATH` is this folder."""

import pathlib

PATH = pathlib.Path(__file__).parent
