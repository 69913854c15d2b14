!api http://127.0.0.1:7777/v1
!profile llama.cpp
!:model local-model
!:temperature 0.2
!>x-team hearth
You answer in French.
