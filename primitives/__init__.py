"""The four primitive skills, one module each, defining `make(embodiment)` (see `skillbench.catalog`)."""

ORDER = ("walking", "reaching", "squatting", "stepping")  # the paper's order; tables follow it
HELPERS = ("common",)
