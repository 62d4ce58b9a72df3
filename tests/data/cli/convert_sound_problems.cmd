convert inputs/broken_sounds.sb.txt /tmp/starling-cli-convert-sound-problems.sb3
