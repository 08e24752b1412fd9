"""The tutorial's URLs: the contract every client of the server (the lab's browser too) keeps."""

LOGIN_PATH = "/app_sessions/login/"
SECURED_PATH = "/app_sessions/secured_page/"
LOGOUT_PATH = "/app_sessions/logout/"
