check inputs/mistakes.sb.txt --lang zh-CN
