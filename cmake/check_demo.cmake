# Runs the producer/consumer demo in fast mode and checks its output: every
# item inserted and processed in order, each processed after it was
# inserted, and "All items processed" after the last one.
# Usage: cmake -DDEMO=<path to producer_consumer> -P check_demo.cmake

execute_process(COMMAND "${DEMO}" --fast
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc TIMEOUT 60)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "demo exited with ${rc}: ${err}")
endif()

# Position of LINE (a whole line) in the output; fails when it is missing.
function(line_pos line out_var)
  string(FIND "\n${out}" "\n${line}\n" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "missing line: '${line}'")
  endif()
  set(${out_var} ${pos} PARENT_SCOPE)
endfunction()

set(last_inserted -1)
set(last_processed -1)
foreach(n RANGE 1 5)
  line_pos("Inserting item ${n} into the queue" inserted)
  line_pos("Processing item ${n}" processed)
  if(inserted LESS last_inserted OR processed LESS last_processed)
    message(FATAL_ERROR "item ${n} is out of order")
  endif()
  if(processed LESS inserted)
    message(FATAL_ERROR "item ${n} was processed before it was inserted")
  endif()
  set(last_inserted ${inserted})
  set(last_processed ${processed})
endforeach()
line_pos("All items processed" done)
if(done LESS last_processed)
  message(FATAL_ERROR "'All items processed' came before the last item was processed")
endif()
string(REGEX MATCHALL "(Inserting|Processing) item" items "${out}")
list(LENGTH items count)
if(NOT count EQUAL 10)
  message(FATAL_ERROR "expected 5 inserted and 5 processed items, saw ${count} lines")
endif()
