run inputs/missing_sound.sb3
