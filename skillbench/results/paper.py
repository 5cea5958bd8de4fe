"""The original SkillBench's published results (spec section 8), for comparison tables.

H1, 20 rollouts: (Error mean, Error std, Tilt rad, h m, tau N m, P W) per task and method.
"""

PAPER_H1 = {
  "ppo": {
    "far_reach": (0.016, 0.008, 0.242, 0.796, 23.4, 36.9),
    "button_press": (0.019, 0.011, 0.471, 0.868, 31.7, 39.8),
    "cabinet_close": (0.000, 0.000, 0.333, 0.886, 37.2, 65.4),
    "football_shoot": (1.773, 0.244, 0.245, 0.650, 48.0, 54.5),
    "box_push": (0.184, 0.207, 0.581, 0.832, 51.7, 91.7),
    "package_lift": (0.026, 0.018, 0.154, 0.635, 32.2, 32.2),
    "box_transfer": (0.433, 0.059, 0.160, 0.675, 46.8, 37.6),
    "package_carry": (0.020, 0.008, 0.331, 0.727, 44.5, 53.0),
  },
  "skillblender": {
    "far_reach": (0.021, 0.012, 0.045, 0.955, 13.5, 20.2),
    "button_press": (0.009, 0.007, 0.041, 0.848, 16.8, 20.3),
    "cabinet_close": (0.000, 0.000, 0.119, 0.903, 13.6, 16.0),
    "football_shoot": (1.109, 0.285, 0.131, 0.843, 26.1, 92.8),
    "box_push": (0.009, 0.007, 0.064, 0.884, 15.0, 9.9),
    "package_lift": (0.024, 0.069, 0.062, 0.717, 21.0, 15.1),
    "box_transfer": (0.007, 0.004, 0.055, 0.884, 16.7, 17.0),
    "package_carry": (0.013, 0.008, 0.043, 0.787, 21.3, 28.9),
  },
}

# G1 SkillBlender Errors (the paper reports no feasibility numbers for G1).
PAPER_G1_SKILLBLENDER_ERROR = {
  "far_reach": 0.023, "button_press": 0.032, "cabinet_close": 0.000, "football_shoot": 1.476,
  "box_push": 0.039, "package_lift": 0.074, "box_transfer": 0.340, "package_carry": 0.058,
}
