run inputs/latin1.sb.txt --lang zh-CN
