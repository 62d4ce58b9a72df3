check inputs/warning.sb.txt
