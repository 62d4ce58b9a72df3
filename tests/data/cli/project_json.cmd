check inputs/project.json.txt
