run inputs/warning.sb.txt --audio
