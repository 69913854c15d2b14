def q(): pass
