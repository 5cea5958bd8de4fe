"""Result files (sealed, schema-checked), submissions, seed aggregation, the paper's numbers and
throughput measurements.
"""
