!:a 1
!context
