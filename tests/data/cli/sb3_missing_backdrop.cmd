run inputs/missing_backdrop.sb3 --frames 3
