" Hearth Illume for Vim (8.1+ with +job): drive hearth-illume from a buffer, the way
" skeeto/illume's illume.vim does, with the same function names and mappings, so an
" existing setup keeps working. The whole buffer is the conversation: :call Illume()
" streams the reply to the end of the buffer; :call IllumeInfill() generates code at
" the cursor; :call IllumeStop() stops.
"
" Configuration:
"   g:illume_command  the command to run (a list); default: the hearth-illume
"                     launcher beside this plugin (finds a JDK 25, builds the jar
"                     on first use)
"
" The client is told the buffer's file name (HEARTH_ILLUME_FILE), so infill knows the
" language and stops when the generated code has closed the hole's scope.

if !exists('g:illume_command')
    let g:illume_command = [expand('<sfile>:p:h:h') .. '/bin/hearth-illume']
endif

" Output arrives in raw pieces; split on newlines and append at b:illume_pos, which is
" '$' (end of buffer) for chat and completion, or a line number for infill.
function! IllumeAppend(channel, msg)
    let buf = ch_getbufnr(a:channel, 'err')
    let msg = split(a:msg, '\n', 1)
    for i in range(len(msg))
        let pos  = getbufvar(buf, 'illume_pos')
        let line = getbufline(buf, pos)[0]
        call setbufline(buf, pos, line .. msg[i])
        if i < len(msg) - 1
            call appendbufline(buf, pos, '')
            if type(pos) == type(0)
                call setbufvar(buf, 'illume_pos', pos + 1)
            endif
        endif
    endfor
endfunction

function! IllumeStop()
    try
        call job_stop(b:illume_job)
    catch
    endtry
    let b:illume_job = v:null
endfunction

function! IllumeStart()
    let b:illume_job = job_start(g:illume_command, #{
        \ in_io: 'buffer',
        \ in_buf: bufnr(),
        \ out_cb: function('IllumeAppend'),
        \ out_mode: 'raw',
        \ err_io: 'buffer',
        \ err_buf: bufnr(),
        \ env: #{HEARTH_ILLUME_FILE: expand('%:t')},
        \ })
endfunction

" Complete the end of the buffer (chat, or !completion).
function! Illume()
    call IllumeStop()
    let b:illume_pos = '$'
    call IllumeStart()
endfunction

" Generate code at the cursor: a bare !infill line goes below the cursor line for the
" client to read, and is blanked once the job has the buffer; the middle streams there.
function! IllumeInfill()
    call IllumeStop()
    let b:illume_pos = line('.') + 1
    call appendbufline('', line('.'), '!infill')
    call IllumeStart()
    call setline(line('.') + 1, '')
endfunction

map <leader>a :call Illume()<cr>
map <leader>f :call IllumeInfill()<cr>
map <leader>s :call IllumeStop()<cr>
map <leader>u Go<cr>!user<cr><cr>
