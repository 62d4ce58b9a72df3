run inputs/draws.sb.txt --scale 9
