# The review step records (expert review, risk assessment, fair-competition review, department consultation,
# legality review) arrive with the seam's typed records.
