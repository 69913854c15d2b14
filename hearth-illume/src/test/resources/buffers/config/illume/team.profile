!api https://team.example/api
!>authorization Bearer $TEAM_TOKEN
!:max_tokens 512
