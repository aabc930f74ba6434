-- wrk script: every request asks for a different URL (a counter appended to the query), so the
-- storefront page cache never answers and each page is built from the database.
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", wrk.path .. "&uncached=" .. n)
end
dofile("bench/report.lua")
