run inputs/clone_limit.sb.txt
