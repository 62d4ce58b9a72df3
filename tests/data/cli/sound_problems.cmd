run inputs/broken_sounds.sb.txt
