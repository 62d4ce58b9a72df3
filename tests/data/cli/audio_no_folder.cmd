run inputs/draws.sb.txt --audio /nonexistent-starling-folder/song.wav
