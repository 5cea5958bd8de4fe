"""The robots of SkillBench, one module each, defining `EMBODIMENT` (see `skillbench.catalog`)."""

ORDER = ("h1", "g1", "h1_2", "t1")  # the paper's robots in its order, then T1; tables follow it
