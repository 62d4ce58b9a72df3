run inputs/missing_costume.sb.txt
