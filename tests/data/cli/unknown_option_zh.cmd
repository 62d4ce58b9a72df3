run --lang zh-CN inputs/text_named.sb3 --wat
