run inputs/draws.sb.txt --lang zh-CN
