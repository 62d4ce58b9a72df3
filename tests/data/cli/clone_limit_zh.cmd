run inputs/clone_limit.sb.txt --lang zh-CN
