convert inputs/broken_sounds.sb.txt /tmp/starling-cli-convert-sound-problems-zh.sb3 --lang zh-CN
