"""Service catalogue (诉求类别目录): categories, request types and urgent keywords."""
