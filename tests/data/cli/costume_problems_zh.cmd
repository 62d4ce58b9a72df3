run inputs/missing_costume.sb.txt --lang zh-CN
