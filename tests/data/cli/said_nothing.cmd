run inputs/draws.sb.txt
