run inputs/draws.sb.txt --screenshot-every 5
