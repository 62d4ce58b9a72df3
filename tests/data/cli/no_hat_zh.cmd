run inputs/no_hat.sb.txt --lang zh-CN
