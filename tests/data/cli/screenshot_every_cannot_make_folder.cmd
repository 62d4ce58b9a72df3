run inputs/draws.sb.txt --screenshot-every 5 inputs/draws.sb.txt/pictures
