run inputs/no_hat.sb.txt
