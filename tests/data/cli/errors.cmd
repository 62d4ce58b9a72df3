run inputs/mistakes.sb.txt
