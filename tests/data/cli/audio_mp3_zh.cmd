run inputs/draws.sb.txt --audio song.mp3 --lang zh-CN
