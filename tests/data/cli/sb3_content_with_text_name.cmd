run inputs/hello_named_txt.sb.txt
