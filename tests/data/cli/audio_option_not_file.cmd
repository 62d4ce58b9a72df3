run inputs/warning.sb.txt --audio --seconds 2
