check inputs/draws.sb.txt --audio song.wav
