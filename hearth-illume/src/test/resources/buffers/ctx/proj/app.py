import db
