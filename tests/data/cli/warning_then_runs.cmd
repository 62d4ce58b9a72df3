run inputs/warning.sb.txt --frames 2
