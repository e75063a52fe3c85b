-- wrk's request script for make bench's serve part: each request a POST of
-- the next line of a file of JSON bodies ({"instances": [...]}), so that the
-- requests go over all the rows of the file in turn.
--   wrk -s scripts/wrk_bodies.lua URL -- BODIES_FILE
local bodies = {}
local i = 0

function init(args)
    for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
    i = math.random(#bodies) - 1 -- (each of wrk's threads starts at another body)
end

function request()
    i = i % #bodies + 1
    return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, bodies[i])
end
