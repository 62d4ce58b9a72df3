run inputs/draws.sb.txt --audio inputs/
