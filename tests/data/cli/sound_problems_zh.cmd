run inputs/broken_sounds.sb.txt --lang zh-CN
