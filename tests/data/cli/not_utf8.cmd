run inputs/latin1.sb.txt
