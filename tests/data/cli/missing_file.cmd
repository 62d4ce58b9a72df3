run inputs/does_not_exist.sb.txt
