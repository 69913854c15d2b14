;;; illume.el --- drive hearth-illume from an Emacs buffer -*- lexical-binding: t; -*-

;; The Emacs side of Hearth's Illume client, like skeeto/illume's illume.el (same command
;; names), plus infill at point.  The whole buffer is the conversation:
;;   M-x illume         stream the reply to the end of the buffer (chat, !completion)
;;   M-x illume-infill  generate code at point (a bare !infill is sent there)
;;   M-x illume-stop    stop the generation in this buffer
;; The client is told the buffer's file name (HEARTH_ILLUME_FILE), so infill knows the
;; language and stops once the generated code has closed the hole's scope.

;;; Code:

(defgroup illume nil "Hearth's Illume client." :group 'tools)

(defcustom illume-command
  (list (expand-file-name "../bin/hearth-illume"
                          (file-name-directory (or load-file-name buffer-file-name ""))))
  "The command that runs the client, as a list of program and arguments."
  :type '(repeat string))

(defvar-local illume-process nil "The generation running in this buffer, if any.")

(defun illume-stop ()
  "Stop the generation in this buffer."
  (interactive)
  (when illume-process
    (ignore-errors (kill-process illume-process))
    (setq illume-process nil)))

(defun illume--start (insert-at input)
  "Run the client on INPUT, inserting its output at marker INSERT-AT."
  (illume-stop)
  (let* ((process-environment
          (cons (concat "HEARTH_ILLUME_FILE="
                        (file-name-nondirectory (or buffer-file-name (buffer-name))))
                process-environment))
         (process (make-process :name "illume"
                                :buffer (current-buffer)
                                :command illume-command
                                :connection-type 'pipe
                                :sentinel (lambda (_ _)))))
    (set-marker (process-mark process) insert-at)
    (setq illume-process process)
    (process-send-string process input)
    (process-send-eof process)))

(defun illume ()
  "Send the buffer; stream the reply to its end."
  (interactive)
  (illume--start (point-max-marker)
                 (buffer-substring-no-properties (point-min) (point-max))))

(defun illume-infill ()
  "Generate code at point: the text above is the prefix, the text below the suffix."
  (interactive)
  (let ((before (buffer-substring-no-properties (point-min) (line-beginning-position)))
        (line (buffer-substring-no-properties (line-beginning-position) (line-end-position)))
        (after (buffer-substring-no-properties (min (point-max) (1+ (line-end-position))) (point-max))))
    ;; like illume.vim: a bare !infill on a line of its own below the cursor line, and
    ;; the output inserted on a new empty line there
    (end-of-line)
    (insert "\n")
    (illume--start (point-marker)
                   (concat before line "\n!infill\n" after))))

(provide 'illume)
;;; illume.el ends here
