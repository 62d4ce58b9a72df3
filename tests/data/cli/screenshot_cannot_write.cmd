run inputs/draws.sb.txt --screenshot /nonexistent-starling-folder/stage.png
